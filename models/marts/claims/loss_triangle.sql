{#- Loss development triangle: for each accident month (month of the incident) and
    development month (months since the accident month: 0, 1, 2, ...), the cumulative amount
    paid on that month's claims by the end of the development month. Only cells already
    observable (accident month + development months <= the latest month with data) exist. -#}
with

claims as (

    select
        accident_month,
        paid_amount,
        cast({{ dbt.date_trunc('month', 'settlement_date') }} as date) as paid_month
    from {{ ref('fct_claims') }}

),

months as (

    select distinct month_start_date
    from {{ ref('dim_dates') }}

),

bounds as (

    select max(coalesce(paid_month, accident_month)) as last_month
    from claims

),

accident_months as (

    select distinct accident_month
    from claims

),

grid as (

    select
        accident_months.accident_month,
        months.month_start_date as development_end_month,
        {{ dbt.datediff('accident_months.accident_month', 'months.month_start_date', 'month') }}
            as development_month
    from accident_months
    cross join bounds
    inner join months
        on
            accident_months.accident_month <= months.month_start_date
            and bounds.last_month >= months.month_start_date

),

paid_by_month as (

    select
        accident_month,
        paid_month,
        sum(paid_amount) as paid_amount,
        count(*) as claim_count
    from claims
    where paid_month is not null
    group by accident_month, paid_month

),

accident_month_claims as (

    select
        accident_month,
        count(*) as claim_count
    from claims
    group by accident_month

),

final as (

    select
        grid.accident_month,
        grid.development_month,
        accident_month_claims.claim_count as accident_month_claim_count,
        cast(coalesce(sum(paid_by_month.paid_amount), 0) as decimal(18, 2)) as cumulative_paid,
        cast(coalesce(sum(paid_by_month.claim_count), 0) as {{ dbt.type_bigint() }})
            as cumulative_settled_claims
    from grid
    inner join accident_month_claims
        on grid.accident_month = accident_month_claims.accident_month
    left join paid_by_month
        on
            grid.accident_month = paid_by_month.accident_month
            and grid.development_end_month >= paid_by_month.paid_month
    group by grid.accident_month, grid.development_month, accident_month_claims.claim_count

)

select * from final
