#!/bin/sh
# InfluxDB 2.x init script (docker-compose.yml mounts this folder at /docker-entrypoint-initdb.d;
# the influxdb image runs it once, right after `influx setup` created the org, the demo-data bucket
# and the admin token, with the influx CLI configured to use that token). It gives each service of
# the stack its own least-privilege InfluxDB 1.x-compatible credentials (used over the v1 API that
# the scorer, the feeder and Grafana's InfluxQL data source speak), and keeps the scorer's output
# apart from the demo data:
#
#   bucket (InfluxQL database/rp)        feeder   scorer        grafana
#   tidemark (tidemark/autogen)          write    read          read
#   tidemark_scores (tidemark_scores/..) -        read + write  read
#
# Commands as documented for InfluxDB 2.7: influx bucket create, influx v1 dbrp create,
# influx v1 auth create --read-bucket/--write-bucket (1.x-compatible username and password).
#
# Environment (set by docker-compose.yml on the influxdb service):
#   DOCKER_INFLUXDB_INIT_ORG, DOCKER_INFLUXDB_INIT_BUCKET_ID, DOCKER_INFLUXDB_INIT_RETENTION
#                                        set by the image: the org, the demo bucket, its retention
#   TIDEMARK_DATABASE                    InfluxQL name of the demo bucket (default: tidemark)
#   TIDEMARK_SCORES_DATABASE             bucket and InfluxQL name of the scores (default: tidemark_scores)
#   INFLUX_FEEDER_USER / _PASSWORD       the feeder's credentials (write the demo bucket only)
#   INFLUX_SCORER_USER / _PASSWORD       the scorer's (read demo data, read and write its scores)
#   INFLUX_GRAFANA_USER / _PASSWORD      Grafana's (read both, write nothing)
set -eu
org="${DOCKER_INFLUXDB_INIT_ORG}"
data_db="${TIDEMARK_DATABASE:-tidemark}"
scores_db="${TIDEMARK_SCORES_DATABASE:-tidemark_scores}"
data_id="${DOCKER_INFLUXDB_INIT_BUCKET_ID}"

scores_id="$(influx bucket create --org "${org}" --name "${scores_db}" \
  --retention "${DOCKER_INFLUXDB_INIT_RETENTION:-0}" --hide-headers | awk '{ print $1 }')"

influx v1 dbrp create --org "${org}" --bucket-id "${data_id}" --db "${data_db}" --rp autogen --default
influx v1 dbrp create --org "${org}" --bucket-id "${scores_id}" --db "${scores_db}" --rp autogen --default

influx v1 auth create --org "${org}" --description "tidemark feeder: writes demo data" \
  --username "${INFLUX_FEEDER_USER}" --password "${INFLUX_FEEDER_PASSWORD}" \
  --write-bucket "${data_id}"
influx v1 auth create --org "${org}" --description "tidemark scorer: reads data, writes scores" \
  --username "${INFLUX_SCORER_USER}" --password "${INFLUX_SCORER_PASSWORD}" \
  --read-bucket "${data_id}" --read-bucket "${scores_id}" --write-bucket "${scores_id}"
influx v1 auth create --org "${org}" --description "grafana: reads data and scores" \
  --username "${INFLUX_GRAFANA_USER}" --password "${INFLUX_GRAFANA_PASSWORD}" \
  --read-bucket "${data_id}" --read-bucket "${scores_id}"

echo "tidemark: buckets ${data_db} (${data_id}) and ${scores_db} (${scores_id}) mapped; credentials for feeder, scorer and grafana created"
