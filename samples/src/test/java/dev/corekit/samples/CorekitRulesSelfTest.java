package dev.corekit.samples;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.corekit.archunit.CorekitRules;

/**
 * The sample applies the rule pack the way a service does — and, since the sample depends on every corekit module,
 * this also proves corekit passes its own rules (each rule exempts the corekit area that owns its concern).
 */
@AnalyzeClasses(packages = "dev.corekit", importOptions = ImportOption.DoNotIncludeTests.class)
class CorekitRulesSelfTest {
    @ArchTest
    static final ArchRule corekit = CorekitRules.ALL;
}
