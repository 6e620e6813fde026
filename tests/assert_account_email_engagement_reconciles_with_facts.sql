-- The totals of account_email_engagement equal the totals of the email facts.
{{ config(meta={'dagster': {'ref': {'name': 'account_email_engagement'}}}) }}

{{ reconcile_email_mart('account_email_engagement') }}
