package io.nodecache.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.tomcat.util.net.NioEndpoint;
import org.junit.jupiter.api.Test;

/**
 * Guards {@link ReusePortNioProtocol} against a Tomcat upgrade: its endpoint keeps the listening channel itself, which
 * is only sound while every method of {@link NioEndpoint} that reads NioEndpoint's own (private) channel field is one
 * the endpoint overrides. A new reader would see no channel; this test names it.
 */
class ReusePortNioProtocolTest {

    @Test
    void everyMethodReadingNioEndpointsChannelIsOverridden() throws Exception {
        // The private field can be read only from NioEndpoint's own nest: the class and its nested classes.
        JavaClass endpoint = new ClassFileImporter().importClasses(nest(NioEndpoint.class)).get(NioEndpoint.class);
        Set<String> users = new TreeSet<>();
        for (var access : endpoint.getField("serverSock").getAccessesToSelf()) {
            JavaCodeUnit origin = access.getOrigin();
            if (origin.isConstructor()) {
                continue; // sets it to null
            }
            users.add(origin.getFullName());
            try {
                ReusePortNioProtocol.Endpoint.class.getDeclaredMethod(origin.getName(),
                        origin.getRawParameterTypes().stream().map(JavaClass::reflect).toArray(Class<?>[]::new));
            } catch (NoSuchMethodException e) {
                fail(origin.getFullName() + " reads NioEndpoint's private channel, which ReusePortNioProtocol's"
                        + " endpoint leaves null: override it there");
            }
        }
        // Tomcat 11.0.22's readers, for the record; a different set means Tomcat changed: read the new code.
        assertEquals(Set.of(
                "org.apache.tomcat.util.net.NioEndpoint.doCloseServerSocket()",
                "org.apache.tomcat.util.net.NioEndpoint.getServerSocket()",
                "org.apache.tomcat.util.net.NioEndpoint.initServerSocket()",
                "org.apache.tomcat.util.net.NioEndpoint.serverSocketAccept()"), users);
    }

    private static List<Class<?>> nest(Class<?> top) {
        List<Class<?>> all = new ArrayList<>(List.of(top));
        for (int i = 0; i < all.size(); i++) {
            all.addAll(List.of(all.get(i).getDeclaredClasses()));
        }
        return all;
    }
}
