{#- The measures of email_engagement_measures() and email_engagement_rates(), in a mart with
    one row per group, checked in one pass (they were 13 test nodes per mart): every count is
    set, unique opens and clicks and deliveries plus bounces are at most the sends, total
    opens at least the unique opens, and the open rate is a fraction.

    Fails with every row that breaks one, `problem` saying which (the first that applies). -#}
{% test email_engagement_is_consistent(model) %}
    {%- set counts = [
        'sends', 'deliveries', 'bounces', 'unique_opens', 'unique_clicks', 'unsubscribes',
        'total_opens', 'total_clicks',
    ] %}
    select *
    from (
        select
            *,
            case
                {%- for count in counts %}
                when {{ count }} is null then '{{ count }} is null'
                {%- endfor %}
                when unique_opens > sends then 'unique_opens above sends'
                when unique_clicks > sends then 'unique_clicks above sends'
                when deliveries + bounces > sends then 'deliveries + bounces above sends'
                when total_opens < unique_opens then 'total_opens below unique_opens'
                when open_rate < 0 or open_rate > 1 then 'open_rate outside 0 to 1'
            end as problem
        from {{ model }}
    ) as checked
    where problem is not null
{% endtest %}
