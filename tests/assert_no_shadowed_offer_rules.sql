-- Warns about next-best-offer rules that can never fire: a rule with a higher priority
-- (smaller rule_priority) accepts every income, fico and propensity the rule accepts, so
-- first-match-wins always stops there. With the default rules, rule 4 (income > 100000 and
-- fico >= 700) is shadowed by rule 3 (income >= 50000 and fico >= 600). A warning, not an
-- error: the offers stay correct, but the rule table says something it does not do.
{{ config(severity='warn') }}

with

rules as (

    select * from {{ ref('offer_rules') }}

)

select
    shadowed.rule_priority as shadowed_rule_priority,
    shadowed.rule_name as shadowed_rule_name,
    shadowing.rule_priority as shadowing_rule_priority,
    shadowing.rule_name as shadowing_rule_name
from rules as shadowed
inner join rules as shadowing
    on
        shadowing.rule_priority < shadowed.rule_priority
        and {{ bound_contains('shadowing', 'shadowed', 'income') }}
        and {{ bound_contains('shadowing', 'shadowed', 'fico') }}
        and {{ bound_contains('shadowing', 'shadowed', 'propensity') }}
