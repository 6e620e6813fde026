{#- The date "now" means for rolling windows (90-day spend, recency). Set the var as_of_date
    (dbt build --vars '{as_of_date: 2026-10-31}') for a fixed date; by default it is the day of
    the latest transaction in the warehouse, so rebuilding the same data gives the same marts. -#}
{% macro as_of_date() -%}
    {%- if var('as_of_date', none) -%}
        cast('{{ var("as_of_date") }}' as date)
    {%- else -%}
        (select max(transaction_date) from {{ ref('fct_transactions') }})
    {%- endif -%}
{%- endmacro %}
