{#- Fails with every row for which the boolean expression is not true (false or null).
    Used on a model or on a column; on a column the expression still names the column. -#}
{% test expression_is_true(model, expression, column_name=none) %}
    select *
    from {{ model }}
    where not coalesce({{ expression }}, false)
{% endtest %}
