"""Running poflow in production (issue #18): how processes talk to Temporal
(the data converter and its payload codec), metrics, logs and replay."""
