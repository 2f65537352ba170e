"""Probability and statistics: distributions by name, moments, information, tests.

Examples
--------
>>> from derive.stats import ttest_1samp, FAMILIES
>>> len(FAMILIES) > 70
True
>>> round(ttest_1samp([1.0, 2.0, 3.0, 4.0], 2.0).pvalue, 6)
0.495025
"""

from derive.stats.distributions import (
                                        FAMILIES,
                                        NotNormalizedError,
                                        density_variable,
                                        distribution,
                                        pmf_variable,
)
from derive.stats.information import cross_entropy, entropy, kl_divergence
from derive.stats.moments import (
                                        covariance,
                                        expectation,
                                        moment,
                                        moment_generating_function,
                                        variance,
)
from derive.stats.result import StatsResult
from derive.stats.tests import (
                                        TestResult,
                                        chi2_variance_interval,
                                        norm_interval,
                                        t_interval,
                                        ttest_1samp,
                                        welch_ttest,
                                        z_test,
)

__all__ = ["FAMILIES", "NotNormalizedError", "density_variable", "distribution",
           "pmf_variable", "StatsResult", "covariance", "expectation", "moment",
           "moment_generating_function", "variance", "cross_entropy", "entropy",
           "kl_divergence", "TestResult", "chi2_variance_interval", "norm_interval",
           "t_interval", "ttest_1samp", "welch_ttest", "z_test"]
