{#- Per month x line of business x region: earned premium against the claims reported that
    month. loss_ratio = (paid losses + adjustment expenses) / earned premium; the liability
    (injury) and property (property + vehicle) loss ratios use incurred claim amounts. Every
    ratio is null when its denominator is zero. -#}
with

policies as (

    select
        policy_key,
        line_of_business,
        region
    from {{ ref('dim_policies') }}

),

premiums as (

    select
        policies.line_of_business,
        policies.region,
        earned.premium_month as summary_month,
        sum(earned.earned_premium) as earned_premium,
        -- the policies earning premium: the fact holds one row per policy and month (its
        -- unique_combination_of_columns test), so the rows count them, five times faster
        -- than count(distinct policy_key) at scale 100 (0.3 s against 1.3 to 1.6 s)
        count(*) as policies_in_force
    from {{ ref('fct_earned_premiums') }} as earned
    inner join policies
        on earned.policy_key = policies.policy_key
    group by policies.line_of_business, policies.region, earned.premium_month

),

losses as (

    select
        policies.line_of_business,
        policies.region,
        claims.claim_month as summary_month,
        count(*) as claim_count,
        sum(claims.total_claim_amount) as incurred_losses,
        sum(claims.paid_amount) as paid_losses,
        sum(claims.adjustment_expenses) as adjustment_expenses,
        sum(claims.injury_claim_amount) as liability_losses,
        sum(claims.property_claim_amount + claims.vehicle_claim_amount) as property_losses
    from {{ ref('fct_claims') }} as claims
    inner join policies
        on claims.policy_key = policies.policy_key
    group by policies.line_of_business, policies.region, claims.claim_month

),

combined as (

    select
        coalesce(premiums.summary_month, losses.summary_month) as summary_month,
        coalesce(premiums.line_of_business, losses.line_of_business) as line_of_business,
        coalesce(premiums.region, losses.region) as region,
        coalesce(premiums.earned_premium, 0) as earned_premium,
        coalesce(premiums.policies_in_force, 0) as policies_in_force,
        coalesce(losses.claim_count, 0) as claim_count,
        coalesce(losses.incurred_losses, 0) as incurred_losses,
        coalesce(losses.paid_losses, 0) as paid_losses,
        coalesce(losses.adjustment_expenses, 0) as adjustment_expenses,
        coalesce(losses.liability_losses, 0) as liability_losses,
        coalesce(losses.property_losses, 0) as property_losses
    from premiums
    full outer join losses
        on
            premiums.summary_month = losses.summary_month
            and premiums.line_of_business = losses.line_of_business
            and premiums.region = losses.region

),

final as (

    select
        summary_month,
        line_of_business,
        region,
        cast(earned_premium as decimal(18, 2)) as earned_premium,
        cast(policies_in_force as {{ dbt.type_bigint() }}) as policies_in_force,
        cast(claim_count as {{ dbt.type_bigint() }}) as claim_count,
        cast(incurred_losses as decimal(18, 2)) as incurred_losses,
        cast(paid_losses as decimal(18, 2)) as paid_losses,
        cast(adjustment_expenses as decimal(18, 2)) as adjustment_expenses,
        cast(liability_losses as decimal(18, 2)) as liability_losses,
        cast(property_losses as decimal(18, 2)) as property_losses,
        {{ safe_divide('claim_count', 'policies_in_force') }} as claim_frequency,
        cast(incurred_losses / nullif(claim_count, 0) as decimal(18, 2)) as claim_severity,
        {{ safe_divide('paid_losses + adjustment_expenses', 'earned_premium') }} as loss_ratio,
        {{ safe_divide('liability_losses', 'earned_premium') }} as liability_loss_ratio,
        {{ safe_divide('property_losses', 'earned_premium') }} as property_loss_ratio
    from combined

)

select * from final
