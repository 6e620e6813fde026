-- The totals of campaign_performance equal the totals of the email facts.
{{ config(meta={'dagster': {'ref': {'name': 'campaign_performance'}}}) }}

{{ reconcile_email_mart('campaign_performance') }}
