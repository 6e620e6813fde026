{#- The measures of email_engagement_measures() and email_engagement_rates(), in a mart with
    one row per group, checked in one pass (they were 13 test nodes per mart): every count is
    set, unique opens and clicks and deliveries plus bounces are at most the sends, total
    opens at least the unique opens, and the open rate is a fraction.

    Fails with every row that breaks one, `problem` saying which (the first that applies). -#}
{% test email_engagement_is_consistent(model) %}
    {%- set rules = [] -%}
    {%- for count in [
        'sends', 'deliveries', 'bounces', 'unique_opens', 'unique_clicks', 'unsubscribes',
        'total_opens', 'total_clicks',
    ] -%}
        {%- do rules.append((count ~ ' is null', count ~ ' is null')) -%}
    {%- endfor -%}
    {%- do rules.extend([
        ('unique_opens > sends', 'unique_opens above sends'),
        ('unique_clicks > sends', 'unique_clicks above sends'),
        ('deliveries + bounces > sends', 'deliveries + bounces above sends'),
        ('total_opens < unique_opens', 'total_opens below unique_opens'),
        ('open_rate < 0 or open_rate > 1', 'open_rate outside 0 to 1'),
    ]) -%}
    {{ rows_with_a_problem(model, rules) }}
{% endtest %}
