{#- One row per customer interaction. Activities of people the bank has no customer record
    of point to the unknown customer and are flagged, so they are counted, not lost. -#}
with

activities as (

    select * from {{ ref('stg_core_banking__customer_activities') }}

),

customers as (

    select
        customer_id,
        customer_key
    from {{ ref('dim_customers') }}
    where not is_unknown_member

),

final as (

    select
        activities.activity_id,
        coalesce(customers.customer_key, {{ unknown_key() }}) as customer_key,
        activities.customer_id,
        customers.customer_key is not null as is_known_customer,
        activities.activity_type,
        activities.ip_address,
        activities.propensity_to_buy,
        activities.activity_at,
        cast(activities.activity_at as date) as activity_date
    from activities
    left join customers
        on activities.customer_id = customers.customer_id

)

select * from final
