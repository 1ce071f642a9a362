package io.nodecache.node;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;

/** Who may call the node's web port. Baseline while issue 11's checks land: open, as before Spring Security. */
@Configuration(proxyBeanMethods = false)
class NodeSecurity {

    @Bean
    SecurityFilterChain nodeWeb(HttpSecurity http) throws Exception {
        return http.authorizeHttpRequests(a -> a.anyRequest().permitAll()).csrf(c -> c.disable()).build();
    }
}
