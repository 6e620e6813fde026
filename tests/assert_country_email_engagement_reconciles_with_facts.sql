-- The totals of country_email_engagement equal the totals of the email facts.
{{ config(meta={'dagster': {'ref': {'name': 'country_email_engagement'}}}) }}

{{ reconcile_email_mart('country_email_engagement') }}
