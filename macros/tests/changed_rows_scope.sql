{#- Tests of a delta build check the rows it changed.

    A delta build (`fsi build --delta`, Dagster's delta_load) runs with FSI_TEST_SCOPE=changed.
    The generic tests below, on an incremental model or on a change log's staging view, then
    read only the changed rows, not the whole table:

      - incremental models: the rows this invocation wrote (_invocation_id);
      - staging views over a change log: the rows that come from the change log (the
        initial load was tested by the full build and does not change); views that keep
        no _changed_at are tested in full.

    Row-level tests (not_null, accepted_values, relationships from the child side,
    expression_is_true, and the project's change_columns and email_engagement_is_consistent:
    row_level_tests below) hold for the whole table when they hold for the rows that changed
    (for relationships: as long as the parent keeps its rows, which no change log can remove
    from a dimension). So do unique and primary_key on an incremental model's unique_key, which
    delete+insert keeps unique across runs, and on a staging view's change_key (meta), the key
    current_rows ranks by. Every other test (unique or primary_key on other columns, tests of
    full-table models, singular tests) reads everything. Without FSI_TEST_SCOPE (dbt build,
    dbt test, fsi build, the nightly jobs) every test reads everything, with one exception.

    The exception, in every build: unique and primary_key on a change-log staging view's
    change_key read the rows that come from the change log. The view is the initial load's
    rows whose key has no change, plus the latest change of every key that has one (the
    keys of the two parts never meet), so the key is unique over the view when it is unique
    over the initial load, which the source's primary_key test checks, and over the change
    log's latest changes, which this scoped test checks. Reading the whole view again would
    check the 10 million initial transactions twice (0.7 s of 2-core time at scale 100).
    orchestration_tests/test_project_conventions.py checks that every change_key has that
    source test. -#}

{% macro default__get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- do conditions.append(where) -%}
    {%- endif -%}
    {%- set scope = changed_rows_scope() -%}
    {%- if scope -%}
        {%- do conditions.append(scope) -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ conditions | join(' and ') }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}


{#- The predicate that limits the running test to changed rows, or '' to test every row. -#}
{% macro changed_rows_scope() -%}
    {%- if not execute -%}
        {%- do return('') -%}
    {%- endif -%}
    {%- set metadata = model.get('test_metadata') -%}
    {%- set parent = graph.nodes.get(model.get('attached_node') or '') -%}
    {%- if metadata is none or parent is none -%}
        {%- do return('') -%}
    {%- endif -%}
    {%- set materialized = parent.config.materialized -%}
    {%- set test_name = metadata.name -%}
    {%- set kwargs = metadata.kwargs -%}
    {%- set changed_only = env_var('FSI_TEST_SCOPE', 'all') == 'changed' -%}
    {%- set change_key = parent.config.get('meta', {}).get('change_key') -%}
    {%- if not changed_only and not (
        materialized == 'view'
        and test_name in ['unique', 'primary_key']
        and change_key
        and kwargs.get('column_name') == change_key
    ) -%}
        {%- do return('') -%}
    {%- endif -%}

    {%- if materialized == 'incremental' -%}
        {%- set predicate = "_invocation_id = '" ~ invocation_id ~ "'" -%}
        {%- set key = parent.config.unique_key -%}
        {%- set keys = key if key is not string else [key] -%}
    {%- elif materialized == 'view' and reads_change_log(parent) and has_column(parent, '_changed_at') -%}
        {%- set predicate = '_changed_at > ' ~ initial_load_time() -%}
        {%- set keys = [change_key] if change_key else none -%}
    {%- else -%}
        {%- do return('') -%}
    {%- endif -%}

    {%- if test_name in row_level_tests() -%}
        {%- do return(predicate) -%}
    {%- elif test_name in ['unique', 'primary_key'] and keys == [kwargs.get('column_name')] -%}
        {%- do return(predicate) -%}
    {%- elif test_name == 'unique_combination_of_columns'
        and keys is not none
        and (kwargs.get('combination_of_columns') | sort) == (keys | sort) -%}
        {%- do return(predicate) -%}
    {%- endif -%}
    {%- do return('') -%}
{%- endmacro %}


{#- Whether a model reads a change log (a source table <table>__changes) directly. -#}
{% macro reads_change_log(node) -%}
    {%- for parent_id in node.depends_on.nodes
        if parent_id.startswith('source.') and parent_id.endswith('__changes') -%}
        {%- do return(true) -%}
    {%- endfor -%}
    {%- do return(false) -%}
{%- endmacro %}


{#- Whether the relation of a model has a column (looked up in the warehouse). -#}
{% macro has_column(node, column_name) -%}
    {%- set relation = api.Relation.create(
        database=node.database, schema=node.schema, identifier=node.alias
    ) -%}
    {%- for column in adapter.get_columns_in_relation(relation) if column.name | lower == column_name -%}
        {%- do return(true) -%}
    {%- endfor -%}
    {%- do return(false) -%}
{%- endmacro %}


{#- Generic tests whose every failing row is a row of the tested model that fails on its own:
    they hold for the whole table when they hold for each changed row. -#}
{% macro row_level_tests() -%}
    {%- do return([
        'not_null', 'accepted_values', 'relationships', 'expression_is_true',
        'change_columns', 'email_engagement_is_consistent',
    ]) -%}
{%- endmacro %}
