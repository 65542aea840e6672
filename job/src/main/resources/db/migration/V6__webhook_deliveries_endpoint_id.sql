-- webhook_deliveries.endpoint holds the endpoint's id, never its URL (whose path may be a
-- credential). Rows written before hold the full URL: they become the id an unnamed endpoint has,
-- the first 12 hex digits of the SHA-256 of its URL, so a retry after the upgrade still finds its
-- row. An endpoint given a name after the upgrade starts new rows under that name.
UPDATE webhook_deliveries
SET endpoint = substr(encode(sha256(convert_to(endpoint, 'UTF8')), 'hex'), 1, 12)
WHERE endpoint LIKE 'http://%' OR endpoint LIKE 'https://%';
