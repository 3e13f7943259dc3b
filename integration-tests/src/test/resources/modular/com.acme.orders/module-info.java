/** An application on the module path, compiled by ModularApplicationIT. */
module com.acme.orders {
    requires dev.bulwark.annotations;
}
