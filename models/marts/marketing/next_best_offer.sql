{#- One row per activity of a known customer with the offer to make. Rules live in
    seeds/reference/offer_rules.csv; see int_customer_activities_offered. -#}
with

offered as (

    select * from {{ ref('int_customer_activities_offered') }}

),

offers as (

    select
        offer_id,
        offer_name,
        offer_url
    from {{ ref('dim_offers') }}

),

final as (

    select
        offered.customer_id,
        offered.activity_id,
        offered.activity_type,
        offered.propensity_to_buy,
        offered.income,
        offered.fico,
        offered.offer_id,
        offers.offer_name,
        offers.offer_url,
        offered.rule_priority,
        offered.activity_at
    from offered
    left join offers
        on offered.offer_id = offers.offer_id

)

select * from final
