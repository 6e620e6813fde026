{#- Before-images for aggregates by customer over an incremental fact.

    An incremental fact replaces the rows of the keys a run changed (delete+insert) and drops
    the deleted ones, so after its run nothing says which customer a changed or deleted row
    belonged to before: a transaction moved to another account, or deleted, leaves its old
    customer's aggregates wrong. The fact's pre-hook log_replaced_customers writes that down
    first, in landing.replaced_customers (created on-run-start): for each existing row about to
    be replaced, its customer and the load time (_changed_at) of the change replacing it.

    A model aggregating the fact by customer (int_monthly_spend_by_merchant_category) then
    recomputes, incrementally, the customers with a fact row changed since its last run (where
    they are now) or a log entry since then (where they were), and its post-hook
    prune_replaced_customers deletes the entries it no longer needs. One model reads the log;
    a second reader would need the pruning to wait for both. -#}

{#- pre-hook of an incremental fact with a customer_key: log the customer of every existing
    row whose key (unique_key) has a change since the fact's last run in `changes` (the model
    the fact selects its changed rows from). -#}
{% macro log_replaced_customers(key, changes) -%}
    {%- if is_incremental() %}
    insert into landing.replaced_customers
    select
        '{{ this.identifier }}' as model_name,
        existing.customer_key,
        changed._changed_at,
        '{{ invocation_id }}' as _invocation_id
    from {{ this }} as existing
    inner join (
        select
            {{ key }},
            _changed_at
        from {{ changes }}
        where {{ changed_since_last_run() }}
    ) as changed
        on existing.{{ key }} = changed.{{ key }}
    {%- endif %}
{%- endmacro %}


{#- The customers the fact `model_name` logged since the last run of the model being built. -#}
{% macro replaced_customers(model_name) -%}
    select customer_key
    from landing.replaced_customers
    where
        model_name = '{{ model_name }}'
        and {{ changed_since_last_run() }}
{%- endmacro %}


{#- post-hook of the model reading the log: drop the entries of `model_name` it has applied
    for good (loaded no later than its newest change, less the var reprocess_days a rerun
    looks back); a full build applies them all. Parquet tables on Spark cannot delete rows:
    there the full build empties the log. -#}
{% macro prune_replaced_customers(model_name) -%}
    {%- if rewrites_key_buckets() -%}
        {%- if not is_incremental() %}
    truncate table landing.replaced_customers
        {%- endif -%}
    {%- elif not is_incremental() %}
    delete from landing.replaced_customers where model_name = '{{ model_name }}'
    {%- elif execute -%}
        {%- set applied = run_query(
            "select " ~ last_run_watermark() ~ " from " ~ this
        ).columns[0].values()[0] %}
    delete from landing.replaced_customers
    where
        model_name = '{{ model_name }}'
        and _changed_at <= cast('{{ applied }}' as {{ dbt.type_timestamp() }})
    {%- endif -%}
{%- endmacro %}
