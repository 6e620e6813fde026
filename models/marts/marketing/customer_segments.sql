{#- RFM scores and a named segment per bank customer; segment ranges live in
    seeds/reference/rfm_segments.csv (first match in segment_priority order). -#}
with

scores as (

    select * from {{ ref('int_customers_rfm_scored') }}

),

segments as (

    select * from {{ ref('rfm_segments') }}

),

matched as (

    select
        scores.customer_key,
        segments.segment_name,
        row_number() over (
            partition by scores.customer_key
            order by segments.segment_priority asc
        ) as match_rank
    from scores
    inner join segments
        on
            scores.recency_score between segments.recency_score_min and segments.recency_score_max
            and scores.frequency_score
            between segments.frequency_score_min and segments.frequency_score_max
            and scores.monetary_score
            between segments.monetary_score_min and segments.monetary_score_max

),

final as (

    select
        scores.customer_id,
        scores.user_key,
        scores.recency_days,
        scores.frequency,
        cast(scores.monetary as decimal(18, 2)) as monetary,
        scores.recency_score,
        scores.frequency_score,
        scores.monetary_score,
        {{ dbt.concat([
            dbt.safe_cast('scores.recency_score', dbt.type_string()),
            dbt.safe_cast('scores.frequency_score', dbt.type_string()),
            dbt.safe_cast('scores.monetary_score', dbt.type_string()),
        ]) }} as rfm_code,
        coalesce(matched.segment_name, 'unclassified') as segment_name
    from scores
    left join matched
        on
            scores.customer_key = matched.customer_key
            and matched.match_rank = 1

)

select * from final
