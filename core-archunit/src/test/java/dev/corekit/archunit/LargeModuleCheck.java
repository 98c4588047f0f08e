package dev.corekit.archunit;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.EvaluationResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures how long {@link CorekitRules#ALL} takes on a generated module of 5,000 classes (target: under 10 s).
 * Not a unit test — timings are measured, never asserted. Run:
 *
 * <pre>
 * ./mvnw -B -q -pl core-archunit test-compile
 * java -cp "core-archunit/target/test-classes:core-archunit/target/classes:$(cat core-archunit/target/cp.txt)" \
 *     dev.corekit.archunit.LargeModuleCheck
 * </pre>
 *
 * (with {@code cp.txt} from {@code ./mvnw -pl core-archunit dependency:build-classpath
 * -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test}).
 */
public final class LargeModuleCheck {
    private static final Logger LOG = LoggerFactory.getLogger(LargeModuleCheck.class);
    private static final int CLASSES = 5_000;

    private LargeModuleCheck() {}

    public static void main(String[] args) throws IOException {
        Path root = Files.createTempDirectory("corekit-large-module");
        Path sources = root.resolve("src");
        Path classes = root.resolve("classes");
        List<String> files = new ArrayList<>();
        for (int i = 0; i < CLASSES; i++) {
            String pkg = "com.acme.large.p" + (i % 50);
            Path dir = sources.resolve(pkg.replace('.', '/'));
            Files.createDirectories(dir);
            Path file = dir.resolve("C" + i + ".java");
            int next = (i + 1) % CLASSES;
            String nextPkg = "com.acme.large.p" + (next % 50);
            Files.writeString(
                    file,
                    "package " + pkg + ";\n"
                            + "public class C" + i + " {\n"
                            + "  private final java.util.List<String> items = new java.util.ArrayList<>();\n"
                            + "  public int size() { return items.size(); }\n"
                            + "  public " + nextPkg + ".C" + next + " next() { return null; }\n"
                            + "  public java.util.function.Supplier<String> name() { return () -> \"c" + i
                            + "\" + items; }\n"
                            + (i % 500 == 0 ? "  void bad() { System.out.println(\"x\"); }\n" : "")
                            + "}\n");
            files.add(file.toString());
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        List<String> arguments = new ArrayList<>(List.of("-d", classes.toString(), "-proc:none", "-nowarn"));
        arguments.addAll(files);
        long compileStart = System.nanoTime();
        int status = compiler.run(null, null, null, arguments.toArray(String[]::new));
        if (status != 0) {
            throw new IllegalStateException("generated sources did not compile");
        }
        long importStart = System.nanoTime();
        JavaClasses imported = new ClassFileImporter()
                .withImportOptions(CorekitRules.IMPORT_OPTIONS)
                .importPath(classes);
        long checkStart = System.nanoTime();
        EvaluationResult result = CorekitRules.ALL.evaluate(imported);
        long end = System.nanoTime();
        LOG.info(
                "generated+compiled {} classes in {} ms; import {} ms; check CorekitRules.ALL {} ms;"
                        + " import+check {} ms; violations found {}",
                imported.size(),
                (importStart - compileStart) / 1_000_000,
                (checkStart - importStart) / 1_000_000,
                (end - checkStart) / 1_000_000,
                (end - importStart) / 1_000_000,
                result.getFailureReport().getDetails().size());
    }
}
