{#- dbt's default safe_cast is a plain cast, which fails the whole query on one bad value.
    DuckDB has try_cast, which gives null instead: the row can then be routed to quarantine.
    Found by dbt.safe_cast through the dispatch search order in dbt_project.yml. -#}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}
