{#- A ratio that is null, not an error, when the denominator is zero or null. -#}
{% macro safe_divide(numerator, denominator, precision=4) -%}
    cast(round(cast({{ numerator }} as double) / nullif({{ denominator }}, 0), {{ precision }}) as double)
{%- endmacro %}
