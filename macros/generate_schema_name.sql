{#- Clean schema names: a model configured with +schema: core lands in `core`, not
    `<target schema>_core`. Models without a custom schema use the target's schema. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
