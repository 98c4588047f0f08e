package dev.corekit.context.redteam;

import static org.assertj.core.api.Assertions.assertThat;

import dev.corekit.context.CallContext;
import dev.corekit.context.Scope;
import dev.corekit.context.testing.StrictScopes;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs a child JVM to check the documented start-up switch of strict mode. */
class StrictPropertyRedTeamTest {

    /** Child JVM entry point: prints whether strict mode is on and what an out-of-order close does. */
    public static final class Child {
        public static void main(String[] args) {
            System.out.println("enabled=" + StrictScopes.isEnabled());
            Scope a = CallContext.newRequest().activate();
            CallContext.newRequest().activate();
            try {
                a.close();
                System.out.println("outOfOrder=ignored");
            } catch (IllegalStateException e) {
                System.out.println("outOfOrder=thrown");
            }
            System.out.println("rootAfter=" + CallContext.current().equals(CallContext.root()));
        }
    }

    static String runChild(String... jvmArgs) throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<String> command = new java.util.ArrayList<>();
        command.add(java);
        command.addAll(List.of(jvmArgs));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Child.class.getName());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    // Doc (StrictScopes): "Strict mode is also on with -Dcorekit.context.strict=true." and "In strict mode, closing a
    // scope out of order ... throws IllegalStateException ... (out of order, the thread's state is restored first"
    @Test
    void systemPropertyTurnsStrictModeOnAtStartup() throws Exception {
        String out = runChild("-D" + StrictScopes.PROPERTY + "=true");
        assertThat(out).contains("enabled=true").contains("outOfOrder=thrown").contains("rootAfter=true");
    }

    // Doc (StrictScopes): "Off (the default), the same misuse is logged once as a warning, an out-of-order close still
    // restores the state the scope found"
    @Test
    void withoutThePropertyStrictModeIsOffAndMisuseIsTolerated() throws Exception {
        String out = runChild();
        assertThat(out).contains("enabled=false").contains("outOfOrder=ignored").contains("rootAfter=true");
    }
}
