"""Helpers of the built-in ``http`` extractor that need no network library.

Options (:mod:`.options`), the reply's parsing and validation (:mod:`.reply`, :mod:`.problems`), and the pacing
of requests: retries, backoff, ``Retry-After`` and the rate limit (:mod:`.pacing`). Only
:mod:`batchproc._stages.http_extractor` imports httpx.
"""
