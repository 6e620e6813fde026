{#- What the warehouse set aside or could not match, one row per kind: quarantined source
    rows by reason, and facts that point to an unknown member. `fsi demo` prints this table;
    Dagster shows it as metadata. -#}
with

quarantined as (

    select
        source_name,
        {{ dbt.concat(["'quarantined ' ", 'source_table', "': '", 'reason']) }} as check_name,
        sum(occurrences) as affected_rows
    from {{ ref('quarantined_records') }}
    group by source_name, source_table, reason

),

unknown_customer_activities as (

    select
        'core_banking' as source_name,
        'activities of unknown customers (no offer made)' as check_name,
        {{ count_where('not is_known_customer') }} as affected_rows
    from {{ ref('fct_customer_activities') }}

),

unknown_email_recipients as (

    select
        'marketo' as source_name,
        'email sends to unknown people (deleted leads)' as check_name,
        {{ count_where("user_key = " ~ unknown_key()) }} as affected_rows
    from {{ ref('fct_email_sends') }}

),

premiums_without_policy as (

    select
        'claims' as source_name,
        'earned premiums of quarantined or deleted policies (not in loss_summary)' as check_name,
        {{ count_where('policies.policy_no is null') }} as affected_rows
    from {{ ref('stg_claims__premiums') }} as premiums
    left join {{ ref('dim_policies') }} as policies
        on premiums.policy_no = policies.policy_no

),

final as (

    select
        source_name,
        check_name,
        cast(affected_rows as {{ dbt.type_bigint() }}) as affected_rows
    from quarantined
    union all
    select
        source_name,
        check_name,
        affected_rows
    from unknown_customer_activities
    union all
    select
        source_name,
        check_name,
        affected_rows
    from unknown_email_recipients
    union all
    select
        source_name,
        check_name,
        affected_rows
    from premiums_without_policy

)

select * from final
