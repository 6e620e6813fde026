{#- The body of a generic test that checks several rules in one pass over `model`: every row
    that breaks a rule, with a `problem` column naming the first it breaks. `rules` is a list
    of (condition that is true for a bad row, problem) pairs, in order. -#}
{% macro rows_with_a_problem(model, rules) %}
    select *
    from (
        select
            *,
            case
                {%- for condition, problem in rules %}
                when {{ condition }} then '{{ problem }}'
                {%- endfor %}
            end as problem
        from {{ model }}
    ) as checked
    where problem is not null
{% endmacro %}
