{#- True when `value` lies within the rule's bounds `<prefix>_lower` / `<prefix>_upper`, each
    optional (null = unbounded) and inclusive or not by `<prefix>_lower_inclusive` /
    `<prefix>_upper_inclusive`. A null value matches only a rule with no bound on it. -#}
{% macro within_bounds(value, rule, prefix) -%}
    (
        ({{ rule }}.{{ prefix }}_lower is null
            or {{ value }} > {{ rule }}.{{ prefix }}_lower
            or ({{ rule }}.{{ prefix }}_lower_inclusive and {{ value }} = {{ rule }}.{{ prefix }}_lower))
        and ({{ rule }}.{{ prefix }}_upper is null
            or {{ value }} < {{ rule }}.{{ prefix }}_upper
            or ({{ rule }}.{{ prefix }}_upper_inclusive and {{ value }} = {{ rule }}.{{ prefix }}_upper))
    )
{%- endmacro %}
