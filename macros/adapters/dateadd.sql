{#- dbt-spark's dateadd multiplies the interval without parentheses: an interval of
    `window_minutes + 60` minutes becomes `window_minutes + 60 * 60` seconds. The interval is
    parenthesised here and handed to dbt-spark's own macro. -#}
{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) -%}
    {{ dbt.spark__dateadd(datepart, '(' ~ interval ~ ')', from_date_or_timestamp) }}
{%- endmacro %}
