{#- How emails are compared across systems: trimmed, lower case, empty as null. -#}
{% macro normalize_email(column) -%}
    nullif(lower(trim({{ column }})), '')
{%- endmacro %}
