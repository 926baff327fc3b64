package io.baton; public class Baton { public static void main(String[] a){} }
