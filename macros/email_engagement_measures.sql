{#- The engagement measures every marketing mart reports, over rows of
    int_email_sends_joined_to_engagement. Unique opens and clicks count sends with at least
    one such event; every rate is null, not an error, when its denominator is zero. -#}
{% macro email_engagement_measures() -%}
        count(*) as sends,
        {{ count_where('is_delivered') }} as deliveries,
        {{ count_where('is_bounced') }} as bounces,
        {{ count_where('is_opened') }} as unique_opens,
        {{ count_where('is_clicked') }} as unique_clicks,
        {{ count_where('is_unsubscribed') }} as unsubscribes,
        cast(sum(open_count) as {{ dbt.type_bigint() }}) as total_opens,
        cast(sum(click_count) as {{ dbt.type_bigint() }}) as total_clicks
{%- endmacro %}


{#- Rates over the measures above, for the final CTE of a mart. -#}
{% macro email_engagement_rates() -%}
        {{ safe_divide('unique_opens', 'sends') }} as open_rate,
        {{ safe_divide('unique_clicks', 'sends') }} as click_rate,
        {{ safe_divide('unique_clicks', 'unique_opens') }} as click_to_open_rate
{%- endmacro %}
