{#- The smallest / largest of several expressions, ignoring nulls (null only when all are). -#}
{% macro least_of(expressions) -%}
    {%- set first = expressions[0] -%}
    {%- set rest = expressions[1:] -%}
    {%- if not rest -%}
        {{ first }}
    {%- else -%}
        case
            when {{ first }} is null then {{ least_of(rest) }}
            when {{ least_of(rest) }} is null or {{ first }} <= {{ least_of(rest) }} then {{ first }}
            else {{ least_of(rest) }}
        end
    {%- endif -%}
{%- endmacro %}


{% macro greatest_of(expressions) -%}
    {%- set first = expressions[0] -%}
    {%- set rest = expressions[1:] -%}
    {%- if not rest -%}
        {{ first }}
    {%- else -%}
        case
            when {{ first }} is null then {{ greatest_of(rest) }}
            when {{ greatest_of(rest) }} is null or {{ first }} >= {{ greatest_of(rest) }} then {{ first }}
            else {{ greatest_of(rest) }}
        end
    {%- endif -%}
{%- endmacro %}
