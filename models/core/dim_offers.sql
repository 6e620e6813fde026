with

offers as (

    select * from {{ ref('stg_core_banking__offers') }}

),

final as (

    select
        offer_id,
        offer_name,
        offer_url,
        offer_name = 'no_offer' as is_no_offer
    from offers

)

select * from final
