package dev.corekit.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Proves {@link CorekitRulesSelfTest} is not vacuous: its import holds classes of every corekit module. */
class CorekitRulesCoverageTest {
    @Test
    void selfTestImportSeesEveryCorekitModule() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(new ImportOption.DoNotIncludeTests())
                .importPackages("dev.corekit");

        assertThat(classes.contain("dev.corekit.context.CallContext")).isTrue();
        assertThat(classes.contain("dev.corekit.logging.Operations")).isTrue();
        assertThat(classes.contain("dev.corekit.storage.StorageSettings")).isTrue();
        assertThat(classes.contain("dev.corekit.storage.s3.S3Settings")).isTrue();
        assertThat(classes.contain("dev.corekit.storage.gcs.GcsSettings")).isTrue();
        assertThat(classes.contain("dev.corekit.messaging.MessagingSettings")).isTrue();
        assertThat(classes.contain("dev.corekit.auth.AuthSettings")).isTrue();
        assertThat(classes.contain("dev.corekit.query.QuerySettings")).isTrue();
        assertThat(classes.contain("dev.corekit.archunit.CorekitRules")).isTrue();
        assertThat(classes.contain("dev.corekit.samples.SampleService")).isTrue();
    }
}
