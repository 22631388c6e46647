-- Whether a trend form's fit is identified, and why a doubling time or interval is missing.
-- identified = false: the fit sits on an artificial bound (a saturating ceiling at the highest
-- point + e^20), so the form is the exponential in disguise; its ci_low / ci_high are NULL and
-- it has no rows in forecasts. note: the reason in words (e.g. "horizon did not grow ..."
-- when doubling_days is NULL because the slope is not positive). Rows written before this
-- migration have NULL in both.
ALTER TABLE trend_fits ADD COLUMN identified BOOLEAN;
ALTER TABLE trend_fits ADD COLUMN note VARCHAR;
