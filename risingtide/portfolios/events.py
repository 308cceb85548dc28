"""What the portfolio pages ask of the apps above them (feedback), so portfolios never imports
them."""

from risingtide.lib.hooks import Hook

page_parts = Hook(
    "portfolios.page_parts",
    "What another app adds to a portfolio's pages. Handlers get ``request``, ``portfolio``, "
    "``page`` (portfolio, item, connections, stage_tool or presentation) and what the page is "
    "about (``item=``, ``stage=``, ``connection__isnull=False``), and return a dict to add to "
    "the page's context (feedback: the threads, success criteria and reviews). The progress "
    "grid asks too, with ``portfolio`` None, ``page`` progress and ``project=``, and must be "
    "answered without a query (badges: an award link on each row).",
)
progress_parts = Hook(
    "portfolios.progress_parts",
    "What another app adds to the progress grid. Handlers get ``portfolio_ids`` and return "
    "``{portfolio id: {'open': open next steps, 'waiting': threads waiting for the teacher's "
    "response, 'last': when feedback was last given}}``, in one query whatever the class size.",
)
card_parts = Hook(
    "portfolios.card_parts",
    "What another app adds to the cards of a portfolio's board. Handlers get ``viewer`` and "
    "``portfolio`` and return ``{'items': {item id: (threads, unread)}, 'stages': {stage: "
    "(threads, unread)}}`` (feedback: the threads on each item and on each stage's tool, as "
    "the viewer sees them), in one query whatever the portfolio's size.",
)
# issue 20 (LTI): grades back to a learning platform.
stage_progress = Hook(
    "portfolios.stage_progress",
    "A stage of a portfolio was marked done or taken back. Handlers get ``portfolio`` and "
    "``stage`` (and ``done``); they run inside the change's transaction and return nothing "
    "(lti: queues the pupil's score for the platform's gradebook once it commits).",
)
