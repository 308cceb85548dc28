"""What the portfolio pages ask of the apps above them (feedback), so portfolios never imports
them."""

from risingtide.lib.hooks import Hook

page_parts = Hook(
    "portfolios.page_parts",
    "What another app adds to a portfolio's pages. Handlers get ``request``, ``portfolio``, "
    "``page`` (portfolio, item, connections, stage_tool or presentation) and what the page is "
    "about (``item=``, ``stage=``, ``connection__isnull=False``), and return a dict to add to "
    "the page's context (feedback: the threads, success criteria and reviews).",
)
progress_parts = Hook(
    "portfolios.progress_parts",
    "What another app adds to the progress grid. Handlers get ``portfolio_ids`` and return "
    "``{portfolio id: {'open': open next steps, 'last': when feedback was last given}}``, in "
    "one query whatever the class size.",
)
