{#- Body of a singular test: the totals of an email-engagement mart must equal the totals of
    the facts it summarises, so no send, bounce, open or click is lost or double-counted
    between core and the mart. Returns one row per measure that differs. -#}
{% macro reconcile_email_mart(mart) %}
with

fact_totals as (

    select 'sends' as measure, count(*) as fact_total
    from {{ ref('fct_email_sends') }}
    union all
    select 'bounces' as measure, count(distinct email_send_id) as fact_total
    from {{ ref('fct_email_bounces') }}
    union all
    select 'unique_opens' as measure, count(distinct email_send_id) as fact_total
    from {{ ref('fct_email_opens') }}
    union all
    select 'total_opens' as measure, count(*) as fact_total
    from {{ ref('fct_email_opens') }}
    union all
    select 'unique_clicks' as measure, count(distinct email_send_id) as fact_total
    from {{ ref('fct_email_clicks') }}
    union all
    select 'total_clicks' as measure, count(*) as fact_total
    from {{ ref('fct_email_clicks') }}

),

mart_totals as (

    {% for measure in ['sends', 'bounces', 'unique_opens', 'total_opens', 'unique_clicks', 'total_clicks'] -%}
    select '{{ measure }}' as measure, sum({{ measure }}) as mart_total
    from {{ ref(mart) }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select
    fact_totals.measure,
    fact_totals.fact_total,
    mart_totals.mart_total
from fact_totals
inner join mart_totals
    on fact_totals.measure = mart_totals.measure
where fact_totals.fact_total != coalesce(mart_totals.mart_total, -1)
{% endmacro %}
