{#- The bank's customers. Their current spending pattern, which the change feed updates all day,
    is in the mini-dimension dim_customer_patterns (joined on customer_key), not here: a pattern
    change then rebuilds that model alone, not this dimension and everything keyed on it. -#}
with

customers as (

    select * from {{ ref('stg_core_banking__customers') }}

),

people as (

    select
        source_record_id,
        user_key
    from {{ ref('bridge_user_identities') }}
    where source_system = 'bank_customer'

),

known_customers as (

    select
        {{ surrogate_key(['customers.customer_id']) }} as customer_key,
        customers.customer_id,
        coalesce(people.user_key, {{ unknown_key() }}) as user_key,
        customers.first_name,
        customers.last_name,
        customers.normalized_email,
        customers.gender,
        customers.income,
        customers.fico,
        customers.created_at,
        customers.updated_at,
        false as is_unknown_member
    from customers
    left join people
        on cast(customers.customer_id as {{ dbt.type_string() }}) = people.source_record_id

),

unknown_member as (

    select
        {{ unknown_key() }} as customer_key,
        cast(null as {{ dbt.type_bigint() }}) as customer_id,
        {{ unknown_key() }} as user_key,
        'Unknown' as first_name,
        'customer' as last_name,
        cast(null as {{ dbt.type_string() }}) as normalized_email,
        cast(null as {{ dbt.type_string() }}) as gender,
        cast(null as decimal(18, 2)) as income,
        cast(null as {{ dbt.type_int() }}) as fico,
        cast(null as {{ dbt.type_timestamp() }}) as created_at,
        cast(null as {{ dbt.type_timestamp() }}) as updated_at,
        true as is_unknown_member

),

with_unknown_member as (

    select * from known_customers
    union all
    select * from unknown_member

),

final as (

    select
        customer_key,
        customer_id,
        user_key,
        first_name,
        last_name,
        normalized_email,
        gender,
        income,
        fico,
        created_at,
        updated_at,
        is_unknown_member
    from with_unknown_member

)

select * from final
