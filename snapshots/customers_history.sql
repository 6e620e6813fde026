{#- SCD2 history of bank customers (documented and tested in customers_history.yml). A SQL
    snapshot, not a YAML-only one: dbt 1.11's partial parsing drops a YAML-only snapshot from
    the project when a macro its tests use changes (dbt-core issues 11444 and 11492), and
    `dbt build` would then skip it without a word: a day of history lost for good. -#}
{% snapshot customers_history %}
    {{ config(
        schema='snapshots',
        unique_key='customer_id',
        strategy='timestamp',
        updated_at='updated_at',
        hard_deletes='invalidate',
    ) }}
    select * from {{ ref('stg_core_banking__customers') }}
{% endsnapshot %}
