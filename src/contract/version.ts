/** Version of the JSON wire contract between the Grafana plugin and the scorer. Bump on breaking change. */
export const CONTRACT_VERSION = 1;
