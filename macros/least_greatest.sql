{#- The smallest / largest of several expressions, ignoring nulls (null only when all are). -#}
{% macro least_of(expressions) -%}
    {{ extreme_of(expressions, '<=') }}
{%- endmacro %}


{% macro greatest_of(expressions) -%}
    {{ extreme_of(expressions, '>=') }}
{%- endmacro %}


{#- The expression that wins every `comparison` against the others, skipping nulls. -#}
{% macro extreme_of(expressions, comparison) -%}
    {%- set first = expressions[0] -%}
    {%- set rest = expressions[1:] -%}
    {%- if not rest -%}
        {{ first }}
    {%- else -%}
        {%- set best_of_rest = extreme_of(rest, comparison) -%}
        case
            when {{ first }} is null then {{ best_of_rest }}
            when {{ best_of_rest }} is null or {{ first }} {{ comparison }} {{ best_of_rest }}
                then {{ first }}
            else {{ best_of_rest }}
        end
    {%- endif -%}
{%- endmacro %}
