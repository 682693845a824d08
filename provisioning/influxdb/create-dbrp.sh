#!/bin/sh
# InfluxDB 2.x init script (docker-compose.yml mounts this folder at /docker-entrypoint-initdb.d;
# the image runs it once, right after creating the org, bucket and admin token). It maps the
# InfluxQL database `tidemark` (retention policy `autogen`) to the bucket, so the v1 API that the
# scorer, the feeder and Grafana's InfluxQL data source use can read and write the bucket.
#
# Environment (set by the influxdb image from docker-compose.yml):
#   DOCKER_INFLUXDB_INIT_BUCKET_ID  the bucket created by the setup
#   DOCKER_INFLUXDB_INIT_ORG        its org
#   TIDEMARK_DATABASE               the database name to map (default: tidemark)
set -eu
database="${TIDEMARK_DATABASE:-tidemark}"
influx v1 dbrp create \
  --org "${DOCKER_INFLUXDB_INIT_ORG}" \
  --bucket-id "${DOCKER_INFLUXDB_INIT_BUCKET_ID}" \
  --db "${database}" \
  --rp autogen \
  --default
echo "tidemark: mapped InfluxQL database ${database}/autogen to bucket ${DOCKER_INFLUXDB_INIT_BUCKET_ID}"
