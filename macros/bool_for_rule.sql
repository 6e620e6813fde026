{#- Within a group of rule_results rows of one claim: whether the rule `rule_code` passed
    (null when the rule is not in the rule table). -#}
{% macro bool_for_rule(rule_code) -%}
    max(case when rule_code = '{{ rule_code }}' then (case when is_passed then 1 else 0 end) end) = 1
{%- endmacro %}
