{#- The on-run-start hook that shares the machine's cores among dbt's threads on DuckDB.
    DuckDB runs every query on all the cores (its `threads` setting), while dbt runs
    target.threads models and tests at once on the same database: on two cores, two queries of
    two engine threads each competed for the cores, and a full build at scale 100 took 9 % longer
    and 15 % more CPU than with one engine thread per dbt thread. So the engine gets
    cores // target.threads threads (at least 1); FSI_DUCKDB_ENGINE_THREADS sets a number
    instead. `threads` is global to the database, so one `set` covers every connection of the
    run. Other adapters: nothing to do. -#}
{% macro set_engine_threads() %}
    {{- return(adapter.dispatch('set_engine_threads', 'fsi_analytics')()) -}}
{% endmacro %}

{% macro default__set_engine_threads() %}{% endmacro %}

{% macro duckdb__set_engine_threads() %}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set configured = env_var('FSI_DUCKDB_ENGINE_THREADS', '') | trim -%}
    {%- if configured -%}
        {%- if not configured.isdigit() or configured | int < 1 -%}
            {{ exceptions.raise_compiler_error(
                "FSI_DUCKDB_ENGINE_THREADS must be a whole number of at least 1, not '"
                ~ configured ~ "'"
            ) }}
        {%- endif -%}
        {%- set engine_threads = configured | int -%}
    {%- else -%}
        {#- `reset` gives DuckDB's default, the cores it sees (the database may be reused) -#}
        {%- do run_query("reset threads") -%}
        {%- set cores = run_query("select current_setting('threads')").columns[0].values()[0] | int -%}
        {%- set engine_threads = [1, cores // target.threads] | max -%}
    {%- endif -%}
    {%- do log("DuckDB engine threads: " ~ engine_threads ~ " (dbt threads: " ~ target.threads ~ ")") -%}
    set threads = {{ engine_threads }}
{%- endmacro %}
