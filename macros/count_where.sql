{#- The number of rows for which a condition holds, as a bigint (zero, never null). -#}
{% macro count_where(condition) -%}
    cast(coalesce(sum(case when {{ condition }} then 1 else 0 end), 0) as {{ dbt.type_bigint() }})
{%- endmacro %}
