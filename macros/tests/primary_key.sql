{#- A primary key: unique and never null, in one pass over the table (dbt's `unique` and
    `not_null` would read it twice, each as its own test node).

    Fails with one row per key value that occurs more than once, and one row for the null
    key if any row has none: `occurrences` says how many rows share it. -#}
{% test primary_key(model, column_name) %}
    select
        {{ column_name }} as primary_key,
        count(*) as occurrences
    from {{ model }}
    group by {{ column_name }}
    having count(*) > 1 or {{ column_name }} is null
{% endtest %}
