package dev.corekit.auth.servlet;

import dev.corekit.auth.AdapterContract;
import dev.corekit.auth.Pipeline;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/** The adapter contract inside a real embedded Tomcat 10.1 (Jakarta Servlet 6), on loopback. */
class ServletAdapterTest extends AdapterContract {
    @Override
    protected TestServer start(Pipeline pipeline) throws Exception {
        Path base = Files.createTempDirectory("corekit-tomcat");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        tomcat.setHostname("127.0.0.1");
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        Context context = tomcat.addContext("", base.toString());
        Tomcat.addServlet(context, "app", new App());
        context.addServletMappingDecoded("/*", "app");
        FilterDef filter = new FilterDef();
        filter.setFilterName("corekit");
        filter.setFilter(CorekitServletFilter.of(pipeline));
        context.addFilterDef(filter);
        FilterMap mapping = new FilterMap();
        mapping.setFilterName("corekit");
        mapping.addURLPattern("/*");
        context.addFilterMap(mapping);
        tomcat.start();
        URI uri = URI.create("http://127.0.0.1:" + tomcat.getConnector().getLocalPort() + "/");
        return new TestServer() {
            @Override
            public URI uri() {
                return uri;
            }

            @Override
            public void close() throws Exception {
                tomcat.stop();
                tomcat.destroy();
            }
        };
    }

    private static final class App extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            switch (request.getRequestURI()) {
                case "/hello", "/me" -> send(response, 200, hello());
                case "/fail" -> throw new IllegalStateException(SECRET_DETAIL);
                case "/teapot" -> send(response, 418, "short and stout");
                default -> send(response, 404, "no such page");
            }
        }

        private static void send(HttpServletResponse response, int status, String body) throws IOException {
            response.setStatus(status);
            response.setContentType("text/plain");
            response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
        }
    }
}
