package dev.corekit.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The BOM is what services import, so it must list every published module and pin the very versions corekit is built
 * and tested with. It has no parent (nothing of the build may leak into it), which means its versions are written
 * twice; this test is what keeps the two copies equal.
 */
class BuildConsistencyTest {
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @Test
    void bomListsEveryPublishedModuleAtTheProjectVersion() throws Exception {
        Document bom = parse(ROOT.resolve("bom/pom.xml"));
        List<String> managed = new ArrayList<>();
        for (Element dependency : children(
                child(child(bom.getDocumentElement(), "dependencyManagement"), "dependencies"), "dependency")) {
            if ("dev.corekit".equals(text(dependency, "groupId"))) {
                assertThat(text(dependency, "version")).isEqualTo("${project.version}");
                managed.add(text(dependency, "artifactId"));
            }
        }

        assertThat(managed).containsExactlyInAnyOrderElementsOf(publishedModules(ROOT));
    }

    @Test
    void bomHasTheParentsVersionAndThirdPartyVersions() throws Exception {
        Element parent = parse(ROOT.resolve("pom.xml")).getDocumentElement();
        Element bom = parse(ROOT.resolve("bom/pom.xml")).getDocumentElement();

        assertThat(child(bom, "parent"))
                .as("the bom must not inherit the build")
                .isNull();
        assertThat(text(bom, "version")).isEqualTo(text(parent, "version"));
        Map<String, String> parentProperties = properties(parent);
        Map<String, String> bomProperties = properties(bom);
        assertThat(bomProperties).isNotEmpty();
        bomProperties.forEach((name, version) -> assertThat(version).as(name).isEqualTo(parentProperties.get(name)));
    }

    /** Every jar module of the reactor that is not marked {@code corekit.unpublished}. */
    static List<String> publishedModules(Path directory) throws Exception {
        List<String> published = new ArrayList<>();
        Element project = parse(directory.resolve("pom.xml")).getDocumentElement();
        String packaging = text(project, "packaging");
        boolean unpublished = "true".equals(properties(project).get("corekit.unpublished"));
        if ((packaging == null || "jar".equals(packaging)) && !unpublished && directory != ROOT) {
            published.add(text(project, "artifactId"));
        }
        Element modules = child(project, "modules");
        if (modules != null) {
            for (Element module : children(modules, "module")) {
                Path moduleDir = directory.resolve(module.getTextContent().strip());
                assertThat(Files.exists(moduleDir.resolve("pom.xml")))
                        .as(moduleDir.toString())
                        .isTrue();
                published.addAll(publishedModules(moduleDir));
            }
        }
        return published;
    }

    static Document parse(Path pom) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(pom.toFile());
    }

    static Map<String, String> properties(Element project) {
        Map<String, String> properties = new LinkedHashMap<>();
        Element element = child(project, "properties");
        if (element != null) {
            NodeList nodes = element.getChildNodes();
            for (int i = 0; i < nodes.getLength(); i++) {
                if (nodes.item(i) instanceof Element property) {
                    properties.put(
                            property.getTagName(), property.getTextContent().strip());
                }
            }
        }
        return properties;
    }

    static Element child(Element parent, String name) {
        if (parent == null) {
            return null;
        }
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.get(0);
    }

    static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(name)) {
                found.add(element);
            }
        }
        return found;
    }

    static String text(Element parent, String name) {
        Element element = child(parent, name);
        return element == null ? null : element.getTextContent().strip();
    }
}
