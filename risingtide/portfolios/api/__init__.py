"""The portfolios app's part of the API: ``portfolios`` (a pupil's portfolios, stages, tools,
sharing) and ``items`` (what a portfolio holds). Two routers, not one, because the feedback
app's reviews are registered between them and the order of the OpenAPI document is kept."""
