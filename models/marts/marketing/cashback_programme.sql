{#- The card cash-back programme per month: what it pays customers against the interchange it
    earns, and the monthly card spend at which it breaks even, at that month's category mix:
    fixed costs / (interchange rate - cash-back rate). Rates and costs live in
    seeds/reference/cashback_rates.csv and cashback_programme_costs.csv. -#}
with

card_spend as (

    select
        spend_month,
        merchant_category,
        sum(spend_amount) as spend_amount
    from {{ ref('int_monthly_spend_by_merchant_category') }}
    where account_type = 'credit_card'
    group by spend_month, merchant_category

),

rates as (

    select * from {{ ref('cashback_rates') }}

),

costs as (

    select sum(monthly_fixed_cost) as monthly_fixed_cost
    from {{ ref('cashback_programme_costs') }}

),

by_month as (

    select
        card_spend.spend_month,
        sum(card_spend.spend_amount) as card_spend,
        sum(card_spend.spend_amount * coalesce(rates.cashback_rate, 0)) as rewards_paid,
        sum(card_spend.spend_amount * coalesce(rates.interchange_rate, 0)) as interchange_earned
    from card_spend
    left join rates
        on card_spend.merchant_category = rates.merchant_category
    group by card_spend.spend_month

),

final as (

    select
        by_month.spend_month,
        cast(by_month.card_spend as decimal(18, 2)) as card_spend,
        cast(by_month.rewards_paid as decimal(18, 2)) as rewards_paid,
        cast(by_month.interchange_earned as decimal(18, 2)) as interchange_earned,
        cast(costs.monthly_fixed_cost as decimal(18, 2)) as programme_fixed_cost,
        cast(
            by_month.interchange_earned - by_month.rewards_paid - costs.monthly_fixed_cost
            as decimal(18, 2)
        ) as net_programme_result,
        {{ safe_divide('by_month.rewards_paid', 'by_month.card_spend') }}
            as effective_cashback_rate,
        {{ safe_divide('by_month.interchange_earned', 'by_month.card_spend') }}
            as effective_interchange_rate,
        -- margin per unit of spend; no break-even when the programme loses on every dollar
        case
            when by_month.interchange_earned > by_month.rewards_paid
                then cast(
                    costs.monthly_fixed_cost * by_month.card_spend
                    / (by_month.interchange_earned - by_month.rewards_paid)
                    as decimal(18, 2)
                )
        end as break_even_card_spend
    from by_month
    cross join costs

)

select * from final
